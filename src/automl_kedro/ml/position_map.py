"""Input position map: new rows drawn over a 2-D projection (PCA) of the training rows, coloured by target."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sklearn.decomposition import PCA

from automl_kedro.ml.applicability import DomainModel

MAX_POINTS = 5000


def position_map(domain: DomainModel, train_X: pd.DataFrame, train_y: pd.Series, new_X: pd.DataFrame,
                 in_domain=None, *, title: str = "New rows over the training data", labels=None,
                 seed: int = 0) -> go.Figure:
    """PCA of the standardised training rows (the applicability space); new rows as crosses."""
    if len(train_X) > MAX_POINTS:
        keep = train_X.sample(MAX_POINTS, random_state=seed).index
        train_X, train_y = train_X.loc[keep], train_y.loc[keep]
    train_m = domain.encode(train_X)
    n_comp = min(2, train_m.shape[1], len(train_m))
    pca = PCA(n_components=n_comp, random_state=seed).fit(train_m)

    def project(m: np.ndarray) -> np.ndarray:
        p = pca.transform(m)
        return p if p.shape[1] == 2 else np.hstack([p, np.zeros((len(p), 2 - p.shape[1]))])

    t = project(train_m)
    fig = go.Figure()
    numeric = pd.api.types.is_numeric_dtype(train_y) and not pd.api.types.is_bool_dtype(train_y)
    if numeric:
        fig.add_trace(go.Scattergl(x=t[:, 0], y=t[:, 1], mode="markers", name="training rows",
                                   marker={"color": train_y.to_numpy(dtype=float), "colorscale": "Viridis",
                                           "showscale": True, "colorbar": {"title": str(train_y.name)},
                                           "size": 6, "opacity": 0.6}))
    else:
        for label in sorted(train_y.astype(str).unique()):
            sel = (train_y.astype(str) == label).to_numpy()
            fig.add_trace(go.Scattergl(x=t[sel, 0], y=t[sel, 1], mode="markers", name=f"{train_y.name}={label}",
                                       marker={"size": 6, "opacity": 0.5}))
    n = project(domain.encode(new_X))
    flags = np.ones(len(n), dtype=bool) if in_domain is None else np.asarray(in_domain, dtype=bool)
    text = [str(v) for v in (labels if labels is not None else range(len(n)))]
    for ok, name, color in ((True, "new rows (in domain)", "black"), (False, "new rows (out of domain)", "red")):
        sel = flags == ok
        if sel.any():
            fig.add_trace(go.Scatter(x=n[sel, 0], y=n[sel, 1], mode="markers", name=name,
                                     text=[text[i] for i in np.flatnonzero(sel)],
                                     marker={"symbol": "x", "size": 12, "color": color,
                                             "line": {"width": 1, "color": "white"}}))
    share = pca.explained_variance_ratio_.sum() if n_comp else 0.0
    fig.update_layout(title=f"{title} (PCA, {share:.0%} of the variance)", xaxis_title="component 1",
                      yaxis_title="component 2")
    return fig
