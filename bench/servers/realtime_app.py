# bench/servers/realtime_app.py: the FastAPI peer of bench/servers/realtime_bench.cpp in bench/realtime.sh, written
# as a FastAPI user writes it (Debian's python3-fastapi, python3-uvicorn, python3-websockets, python3-multipart):
#   GET  /ws/echo    WebSocket: each text message echoed as text, each binary as binary
#   GET  /plaintext  "Hello, World!" (the readiness probe)
#   POST /files      multipart: form field `note`, file field `file` -> {"filename", "content_type", "size", "note"}
#                    (Starlette parses the form with python-multipart and spools the file past 1 MiB)
# Run: /usr/bin/python3 -m uvicorn realtime_app:app --app-dir bench/servers --ws websockets --port 8080
from fastapi import FastAPI, File, Form, UploadFile, WebSocket, WebSocketDisconnect
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext():
    return "Hello, World!"


@app.websocket("/ws/echo")
async def echo(ws: WebSocket):
    await ws.accept()
    try:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is not None:
                await ws.send_text(message["text"])
            else:
                await ws.send_bytes(message["bytes"])
    except WebSocketDisconnect:
        return


@app.post("/files")
async def files(file: UploadFile = File(...), note: str = Form(...)):
    # Starlette counts the bytes as it spools them (UploadFile.size): nothing is read back, as in ours
    return {"filename": file.filename, "content_type": file.content_type, "size": file.size, "note": note}
