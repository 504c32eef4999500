"""Learn: the education pages and the exercise pages."""
