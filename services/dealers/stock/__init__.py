"""Stock reports and the current stock positions they make."""
