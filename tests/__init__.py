"""The test suite: one folder per subpackage of src/analysis, as the package is laid out."""
