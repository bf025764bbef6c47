"""The printable poster of the matrix (``publish --poster FILE`` and the demo)."""
