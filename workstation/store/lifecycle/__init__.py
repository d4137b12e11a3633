"""The lifecycle past the call queue: stages a person is moved along, known people's new
inquiries, customers, references, campaigns and their responses."""
