"""The studies: every multi-run study of the book, one module each, named for what it studies (see
geomem_nb/README.md). Each runs over seeds or cells through ``launch``, writes one record with its
provenance, and reads it back; the pages read the records."""
