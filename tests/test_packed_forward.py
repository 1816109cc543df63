"""The unpadded encoder forward must give the model's own vectors, for every
BERT-family layout it accepts, and the encoder must fall back for the rest."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from aligner.encoder.embedding import Encoder  # noqa: E402
from aligner.encoder.packed_forward import PackedEncoder, _groups  # noqa: E402


def _tiny(kind: str):
    """A small random model of the given layout (weights seeded: the test is exact)."""
    torch.manual_seed(0)
    common = dict(
        vocab_size=120,
        hidden_size=48,
        num_hidden_layers=4,
        num_attention_heads=4,
        intermediate_size=96,
        max_position_embeddings=80,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )
    if kind == "bert":
        model = transformers.BertModel(transformers.BertConfig(**common), add_pooling_layer=False)
    elif kind == "xlm-roberta":
        model = transformers.XLMRobertaModel(
            transformers.XLMRobertaConfig(pad_token_id=1, **common), add_pooling_layer=False
        )
    else:
        raise AssertionError(kind)
    return model.eval()


def _padded_reference(model, sequences, layer):
    """The model's own forward on a right-padded batch with an attention mask."""
    pad = int(model.config.pad_token_id or 0)
    width = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), width), pad, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for k, s in enumerate(sequences):
        ids[k, : len(s)] = torch.tensor(s)
        mask[k, : len(s)] = 1
    with torch.inference_mode():
        hidden = model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
    return [hidden[layer][k, : len(s)] for k, s in enumerate(sequences)]


SEQUENCES = [
    [0, 5, 6, 7, 2],
    [0, 9, 2],
    [0, 11, 12, 13, 14, 15, 16, 17, 2],
    [0, 5, 6, 7, 2],  # a second sentence of the first one's length: one attention group
    [0, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 2],
]


def _runner(model, how, tmp_path):
    """The unpadded runner from the loaded model, or from the model saved to disk."""
    if how == "model":
        return PackedEncoder.from_model(model)
    model.save_pretrained(tmp_path)  # config.json + model.safetensors
    return PackedEncoder.from_directory(tmp_path)


@pytest.mark.parametrize("how", ["model", "directory"])
@pytest.mark.parametrize("kind", ["bert", "xlm-roberta"])
@pytest.mark.parametrize("layer", [0, 2, 4])
def test_packed_states_equal_the_models_padded_forward(kind, layer, how, tmp_path):
    model = _tiny(kind)
    runner = _runner(model, how, tmp_path)
    assert runner is not None
    with torch.inference_mode():
        states = runner.hidden_states(SEQUENCES, [layer])
    reference = _padded_reference(model, SEQUENCES, layer)
    for k, ref in enumerate(reference):
        a, n = states.starts[k], states.lengths[k]
        assert n == len(SEQUENCES[k])
        torch.testing.assert_close(states.layers[layer][a : a + n], ref, atol=2e-5, rtol=1e-4)


def test_means_are_per_sentence_means():
    model = _tiny("bert")
    with torch.inference_mode():
        states = PackedEncoder.from_model(model).hidden_states(SEQUENCES, [3])
        means = states.means(3)
    for k in range(len(SEQUENCES)):
        a, n = states.starts[k], states.lengths[k]
        torch.testing.assert_close(means[k], states.layers[3][a : a + n].mean(0))


def test_groups_pack_equal_lengths_contiguously():
    order, groups = _groups([5, 3, 9, 5])
    assert [(g.start, g.count, g.length) for g in groups] == [(0, 1, 3), (3, 2, 5), (13, 1, 9)]
    assert order == [1, 0, 3, 2]


def test_unsupported_layouts_are_refused(tmp_path):
    torch.manual_seed(0)
    cfg = transformers.DistilBertConfig(vocab_size=50, dim=32, n_layers=2, n_heads=2, hidden_dim=64)
    distil = transformers.DistilBertModel(cfg).eval()
    assert PackedEncoder.from_model(distil) is None
    distil.save_pretrained(tmp_path / "distil")
    assert PackedEncoder.from_directory(tmp_path / "distil") is None
    bert = _tiny("bert")
    bert.config.position_embedding_type = "relative_key"
    assert PackedEncoder.from_model(bert) is None
    assert PackedEncoder.from_directory(tmp_path / "no such model") is None


def test_encoder_packed_and_padded_paths_agree(models):
    """The real offline encoder: same piece vectors and sentence vectors either way."""
    from aligner.encoder.offline_e5 import ensure_offline_e5

    encoder: Encoder = models.encoder
    assert encoder.model is None, "the offline build should load without transformers' model code"
    hf_model = transformers.AutoModel.from_pretrained(str(ensure_offline_e5())).eval()
    texts = [
        "Le Parlement a adopté la loi hier soir .",
        "The bill passed",
        "Une phrase nettement plus longue , avec des virgules et 12 chiffres .",
        "",
    ]
    sentences = [t.split() for t in texts]
    padded = replace(encoder, model=hf_model, packed=False)
    for pooled in (True, False):
        a = encoder.embed(sentences, pooled=pooled)
        b = padded.embed(sentences, pooled=pooled)
        for x, y in zip(a, b, strict=True):
            assert x.pieces.vectors.shape == y.pieces.vectors.shape
            np.testing.assert_allclose(x.pieces.vectors, y.pieces.vectors, atol=2e-5)
            np.testing.assert_allclose(x.vector, y.vector, atol=2e-5)
    assert encoder.packed, "the default encoder should take the unpadded path"
