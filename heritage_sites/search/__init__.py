"""The search API (``query``) and the SQL that builds its indexes (``sql``)."""
