"""Demo data: the training of the brief, accounts for every role, structures of two départements."""
