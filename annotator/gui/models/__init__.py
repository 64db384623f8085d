"""Qt item models over core query results (library, codebook, characters)."""
