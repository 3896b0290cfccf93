"""The one-time reissue of credits about to expire, or just expired (R-RSS-1..4)."""
