"""Every write with side effects, one module per entity: ``grep -r "def scan_"`` lists each
way a scan can change."""
