"""The client's endpoint groups: client.posts, .pools, .sets, .account and .tags."""
