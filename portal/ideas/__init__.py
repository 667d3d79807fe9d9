"""Ideas: submit, find, vote, discuss, review and implement customer-experience ideas."""
