"""The JSON API at /api/v1: personal tokens, problem+json errors, cursor pagination and an OpenAPI document."""
