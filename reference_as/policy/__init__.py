"""Protocol rules as pure functions: no I/O, no HTTP, one module per RFC topic."""
