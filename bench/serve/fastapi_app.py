"""The obvious alternative to `tsetlin serve` that a user would write: the Python package
behind a minimal FastAPI app, answering the same request with the same response.

    uvicorn --app-dir bench/serve fastapi_app:app --port 8081   (TSETLIN_MODEL=model file)
"""

import os
from typing import List, Optional

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from tsetlin import TextClassifier

clf = TextClassifier.load(os.environ["TSETLIN_MODEL"])
names = [str(c) for c in clf.classes_]
app = FastAPI()


class Request(BaseModel):
    text: Optional[str] = None
    texts: Optional[List[str]] = None


def _prediction(sums):  # type: ignore[no-untyped-def]
    best = int(sums.argmax())
    return {"label": names[best], "class_sums": dict(zip(names, map(int, sums)))}


@app.post("/v1/predict")
def predict(req: Request):  # type: ignore[no-untyped-def]
    if req.text is not None:
        return _prediction(clf.class_sums([req.text])[0])
    if req.texts:
        return {"predictions": [_prediction(row) for row in clf.class_sums(req.texts)]}
    raise HTTPException(status_code=400, detail="missing field text or texts")
