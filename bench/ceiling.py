"""The ceiling: the smallest Flask endpoint, served the same way as the API."""
from flask import Flask

app = Flask(__name__)


@app.get("/ping")
def ping():
    return {"ok": True}
