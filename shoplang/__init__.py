"""Persian/English language data and text rules shared by NLU, store and actions."""
