// The idea pages: similar ideas, error summary, review form, voting.
