"""Storage: the database engine, the SQLModel tables, their migrations and the data-change lock."""
