"""The demo app: pages and callbacks showing django-nextauth the way a project uses it."""
