"""Recognition: service-award nominations, their approval and the points they earn."""
