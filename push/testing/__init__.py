"""Local stand-ins for Apple's and Google's push servers (tests, benchmarks, demos)."""
