package engram.api.memory;

/** What a recall starts from: an embedding, or a stored memory ("more like this"). */
public sealed interface Cue {

    /** Recall by an embedding of the space's dimension. */
    static Cue of(float[] embedding) {
        return new Embedding(embedding);
    }

    /** Recall what is like the stored memory {@code id} (which is not itself returned). */
    static Cue like(long id) {
        return new Like(id);
    }

    /** An embedding cue; its values must be finite. */
    record Embedding(float[] embedding) implements Cue {
        public Embedding {
            if (embedding == null || embedding.length == 0) {
                throw new IllegalArgumentException("the cue's embedding is " + (embedding == null ? "null" : "empty")
                        + "; give as many values as the space's dimension");
            }
            for (int i = 0; i < embedding.length; i++) {
                if (!Float.isFinite(embedding[i])) {
                    throw new IllegalArgumentException("the cue's embedding[" + i + "] is " + embedding[i]
                            + "; every value must be a finite number");
                }
            }
            embedding = embedding.clone();
        }

        @Override
        public float[] embedding() {
            return embedding.clone();
        }
    }

    /** A stored memory as the cue. */
    record Like(long id) implements Cue {
    }
}
