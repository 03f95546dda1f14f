"""Models of feedback: complaints."""
