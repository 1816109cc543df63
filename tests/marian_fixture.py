"""A tiny random MarianMT model built on the spot, for tests and benchmarks.

Real opus-mt weights cannot be downloaded where the tests run, and even if they could,
300 MB per language is far too slow for a unit test. What the translation module has to
get right is mechanical (tokenisation, batching, ordering, caching, splitting, forced
scoring, CTranslate2 conversion), and all of that is exercised just as well by a model
with the same architecture and file layout as an opus-mt checkpoint but random weights:
its output is gibberish, which is fine, because tests compare mechanics, not quality.

The layout mirrors the real checkpoints closely on the points that matter to the
conversion and to the tokenizer: ``</s>`` is id 0, ``<unk>`` id 1, ``<pad>`` is the *last*
id and doubles as ``decoder_start_token_id``, and its embedding row is zero (CTranslate2
drops the pad row and starts decoding from a zero embedding, so that is what makes the two
backends agree).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

FRENCH_SENTENCES: list[str] = [
    "Le gouvernement a annoncé mardi une réforme des retraites qui suscite déjà de vives critiques.",
    "Les syndicats appellent à une nouvelle journée de grève jeudi dans les transports publics.",
    "Selon le ministre de l'Économie, la croissance devrait atteindre un pour cent cette année.",
    "La maire de Paris a présenté un plan pour réduire la circulation automobile dans le centre.",
    "Des pluies torrentielles ont provoqué des inondations dans le sud-ouest du pays.",
    "Le président de la République se rendra la semaine prochaine en visite officielle au Japon.",
    "Les prix de l'énergie ont fortement augmenté depuis le début de l'hiver.",
    "Une enquête a été ouverte après l'incendie qui a détruit un entrepôt près de Lyon.",
    "Le Parlement européen a adopté une résolution sur la protection des données personnelles.",
    "Les agriculteurs manifestent contre la baisse des aides et la hausse du prix des engrais.",
    "La banque centrale a décidé de maintenir ses taux d'intérêt inchangés.",
    "Le festival de Cannes a dévoilé la sélection officielle de sa prochaine édition.",
    "Plusieurs hôpitaux signalent un manque de personnel dans les services d'urgence.",
    "Les élèves passeront les épreuves du baccalauréat à partir du mois de juin.",
    "Le tribunal a condamné l'ancien directeur à deux ans de prison avec sursis.",
    "Une nouvelle ligne de tramway sera inaugurée à Bordeaux au printemps prochain.",
    "Les négociations entre les partenaires sociaux ont repris ce matin sans avancée notable.",
    "La sécheresse menace les récoltes de blé et de maïs dans plusieurs régions.",
    "Le club de football a recruté un jeune attaquant venu du championnat portugais.",
    "Les chercheurs ont découvert une nouvelle espèce de grenouille en Guyane.",
    "Le chômage a légèrement reculé au dernier trimestre, selon l'institut de statistique.",
    "Les autorités sanitaires recommandent la vaccination des personnes âgées avant l'hiver.",
    "Un accord commercial a été signé entre l'Union européenne et le Canada.",
    "La ville de Marseille prévoit de planter dix mille arbres d'ici à la fin de la décennie.",
    "Le musée du Louvre a accueilli plus de huit millions de visiteurs l'an dernier.",
    "Les députés examineront le projet de loi sur l'immigration en séance publique.",
    "Une panne informatique a perturbé le trafic aérien pendant plusieurs heures.",
    "Le Premier ministre a défendu son budget devant l'Assemblée nationale, mais l'opposition reste divisée.",
    "Les loyers continuent d'augmenter dans les grandes villes, tandis que les salaires stagnent.",
    "La police a interpellé trois suspects après le cambriolage d'une bijouterie.",
    "Le constructeur automobile va supprimer mille emplois en France et en Allemagne.",
    "Les habitants du quartier réclament davantage de pistes cyclables et de transports en commun.",
    "La température moyenne de la mer Méditerranée a atteint un niveau record cet été.",
    "Le conseil municipal a voté la rénovation de la piscine et de la bibliothèque.",
    "Les exportations de vin ont progressé grâce à la demande asiatique.",
    "Un séisme de magnitude cinq a été ressenti dans les Alpes sans faire de victimes.",
    "Le ministre de l'Éducation souhaite réduire le nombre d'élèves par classe.",
    "Les supporters ont célébré la victoire de leur équipe jusque tard dans la nuit.",
    "La compagnie ferroviaire promet des billets moins chers pour les jeunes voyageurs.",
    "Les scientifiques alertent sur la disparition rapide des glaciers dans les Pyrénées.",
]

ENGLISH_SENTENCES: list[str] = [
    "The government announced on Tuesday a pension reform that is already drawing sharp criticism.",
    "The unions are calling for a new day of strikes on Thursday in public transport.",
    "According to the economy minister, growth should reach one percent this year.",
    "The mayor of Paris presented a plan to reduce car traffic in the city centre.",
    "Torrential rain caused flooding in the south-west of the country.",
    "The president of the Republic will make an official visit to Japan next week.",
    "Energy prices have risen sharply since the beginning of winter.",
    "An investigation was opened after the fire that destroyed a warehouse near Lyon.",
    "The European Parliament adopted a resolution on the protection of personal data.",
    "Farmers are protesting against cuts in subsidies and the rising price of fertiliser.",
    "The central bank decided to keep its interest rates unchanged.",
    "The Cannes festival unveiled the official selection for its next edition.",
    "Several hospitals report a shortage of staff in their emergency departments.",
    "Pupils will sit the baccalaureate exams from the month of June.",
    "The court sentenced the former director to a two-year suspended prison term.",
    "A new tram line will be opened in Bordeaux next spring.",
    "Negotiations between the social partners resumed this morning without notable progress.",
    "The drought threatens the wheat and maize harvests in several regions.",
    "The football club signed a young striker from the Portuguese league.",
    "Researchers discovered a new species of frog in French Guiana.",
    "Unemployment fell slightly in the last quarter, according to the statistics institute.",
    "Health authorities recommend vaccinating elderly people before the winter.",
    "A trade agreement was signed between the European Union and Canada.",
    "The city of Marseille plans to plant ten thousand trees by the end of the decade.",
    "The Louvre museum welcomed more than eight million visitors last year.",
    "Members of parliament will examine the immigration bill in a public session.",
    "A computer failure disrupted air traffic for several hours.",
    "The prime minister defended his budget before the National Assembly, but the opposition remains divided.",
    "Rents keep rising in the big cities, while wages stagnate.",
    "The police arrested three suspects after the burglary of a jewellery shop.",
    "The car maker will cut a thousand jobs in France and Germany.",
    "Residents of the neighbourhood are asking for more cycle lanes and public transport.",
    "The average temperature of the Mediterranean Sea reached a record level this summer.",
    "The town council voted to renovate the swimming pool and the library.",
    "Wine exports grew thanks to demand from Asia.",
    "A magnitude five earthquake was felt in the Alps without causing any casualties.",
    "The education minister wants to reduce the number of pupils per class.",
    "The supporters celebrated their team's victory late into the night.",
    "The railway company promises cheaper tickets for young travellers.",
    "Scientists warn of the rapid disappearance of glaciers in the Pyrenees.",
]

#: Sizes small enough that building the model and running both backends takes seconds.
D_MODEL = 32
FFN_DIM = 64
HEADS = 4
VOCAB_TARGET = 400
EOS_BIAS = 3.0


def _train_sentencepiece(vocab_size: int = VOCAB_TARGET) -> bytes:
    """A joint French+English unigram model, as opus-mt uses; fully deterministic
    (one thread, fixed seed) so every test session builds the same vocabulary."""
    import sentencepiece as spm

    if hasattr(spm, "set_random_generator_seed"):
        spm.set_random_generator_seed(0)
    text = FRENCH_SENTENCES + ENGLISH_SENTENCES
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text * 3),
        model_writer=buffer,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        num_threads=1,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    return buffer.getvalue()


def build_tiny_marian(directory: Path) -> Path:
    """Write a random-weight MarianMT checkpoint (model + tokenizer files) into
    ``directory`` and return it; loadable with ``MarianMTModel.from_pretrained`` and
    ``MarianTokenizer.from_pretrained`` and convertible by CTranslate2."""
    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    proto = _train_sentencepiece()
    (directory / "source.spm").write_bytes(proto)
    (directory / "target.spm").write_bytes(proto)

    processor = spm.SentencePieceProcessor(model_proto=proto)
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for index in range(processor.get_piece_size()):
        piece = processor.id_to_piece(index)
        if processor.is_control(index) or processor.is_unknown(index) or piece in vocab:
            continue
        vocab[piece] = len(vocab)
    pad_id = len(vocab)
    vocab["<pad>"] = pad_id
    vocab_size = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1))
    (directory / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "MarianTokenizer",
                "source_lang": "fr",
                "target_lang": "en",
                "model_max_length": 512,
                "separate_vocabs": False,
                "unk_token": "<unk>",
                "eos_token": "</s>",
                "pad_token": "<pad>",
            },
            indent=1,
        )
    )
    (directory / "special_tokens_map.json").write_text(
        json.dumps({"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"})
    )

    config = MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        d_model=D_MODEL,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=HEADS,
        decoder_attention_heads=HEADS,
        encoder_ffn_dim=FFN_DIM,
        decoder_ffn_dim=FFN_DIM,
        max_position_embeddings=512,
        activation_function="swish",
        scale_embedding=True,
        pad_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        decoder_start_token_id=pad_id,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        dropout=0.0,
        # The default 0.02 makes a one-layer decoder ignore its input (every sentence
        # gets the same output); 0.3 makes the output depend on the source.
        init_std=0.3,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    with torch.no_grad():
        # Real checkpoints have a zero pad row; CTranslate2 relies on it (it drops the row
        # and starts decoding from a zero vector).
        model.get_input_embeddings().weight[pad_id].zero_()
        # Favour </s> so that hypotheses end at varied lengths instead of all running to
        # the length limit: beam search then has finished hypotheses to rank, as with a
        # real model.
        model.final_logits_bias[0, 0] = EOS_BIAS
    model.eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=pad_id,
        pad_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        bad_words_ids=[[pad_id]],
        max_length=512,
        num_beams=4,
    )
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Writing model shards" bar in test output
    try:
        model.save_pretrained(directory)
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return directory


if __name__ == "__main__":  # pragma: no cover - manual use: python tests/marian_fixture.py DIR
    import sys

    print(build_tiny_marian(Path(sys.argv[1] if len(sys.argv) > 1 else "tiny-marian")))
