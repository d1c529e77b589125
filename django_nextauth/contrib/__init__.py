"""Optional integrations with third-party packages (imported only on demand)."""
