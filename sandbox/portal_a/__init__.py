"""Customer portal A: Northwind Retail's "Supplier Hub" (JavaScript, modals)."""
