"""Services over the stored data, for any front end: admin data changes, refreshes, followers and alerts, chat state."""
