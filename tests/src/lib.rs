//! End-to-end tests of the Ballast keeper: see the test targets in `tests/tests/`.
