"""Learning I: people, certifications and CE credits, earned by the training that CLCs buy."""
