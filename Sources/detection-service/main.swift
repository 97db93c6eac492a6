// Placeholder: the thin executable over DetectionService.
print("detection-service")
