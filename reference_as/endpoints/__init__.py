"""One module per endpoint; each turns a webob request into a webob response."""
