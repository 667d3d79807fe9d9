"""What people do with ideas, one module a use case: submitting, voting, comments, reviewing,
campaigns and categories. Import each service from its own module."""
