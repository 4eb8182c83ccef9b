"""A demo AWS Organization on a local moto server: for `make preview`, the tests and the benchmark."""
