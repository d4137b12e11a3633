"""Call scripts: the script for a record, qualifying questions and their rule, the script text,
and script files."""
