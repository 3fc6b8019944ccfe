"""Development tools run by the Makefile and CI (not part of the product)."""
