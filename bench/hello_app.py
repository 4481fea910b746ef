"""A bare FastAPI hello-world: the CPU cost per request of FastAPI on uvicorn doing nothing.

uvicorn --factory bench.hello_app:create_app
"""

from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"message": "Hello, world"}

    return app
