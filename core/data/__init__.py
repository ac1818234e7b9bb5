"""Stage 1, the data: read a source (sources), find the column roles (roles), turn rows into
training text (formats), clean and split (prepare), preview a table (table), store uploads
(uploads), and tokenize, measure padding and collate batches (tokenize)."""
