"""The e621ng JSON API client: one httpx client, the request scheduler, typed models."""
