package glassbox.model.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The token embedding table, {@code [vocab, hidden]}, read-only: nearest tokens by cosine
 * similarity, and a two-dimensional principal-component projection of chosen rows.
 */
public final class EmbeddingTable {
    /** A token and its cosine similarity to the query row. */
    public record Neighbor(int id, double cosine) {
    }

    /**
     * Rows projected on the first two principal axes of the chosen rows (centred on their mean).
     *
     * @param points    {@code [rows][2]}: each row's coordinates
     * @param explained the share of the rows' total variance along each axis, {@code [2]}
     */
    public record Projection(double[][] points, double[] explained) {
    }

    private final float[][] rows;
    private final double[] norms;

    public EmbeddingTable(float[][] rows) {
        this.rows = rows;
        this.norms = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            norms[i] = Inspection.norm(rows[i]);
        }
    }

    public int vocabSize() {
        return rows.length;
    }

    public int width() {
        return rows[0].length;
    }

    /** A copy of token {@code id}'s row. */
    public float[] row(int id) {
        return rows[id].clone();
    }

    /** cos θ = a·b / (‖a‖ ‖b‖); 0 when either row is all zeros. */
    public double cosine(int a, int b) {
        double dot = 0;
        for (int i = 0; i < rows[a].length; i++) {
            dot += (double) rows[a][i] * rows[b][i];
        }
        return norms[a] == 0 || norms[b] == 0 ? 0 : dot / (norms[a] * norms[b]);
    }

    /** The {@code k} tokens most similar to {@code id} by cosine, best first, {@code id} itself left out. */
    public List<Neighbor> nearest(int id, int k) {
        Integer[] order = new Integer[rows.length];
        double[] cos = new double[rows.length];
        for (int t = 0; t < rows.length; t++) {
            order[t] = t;
            cos[t] = cosine(id, t);
        }
        Arrays.sort(order, (a, b) -> Double.compare(cos[b], cos[a]));
        List<Neighbor> out = new ArrayList<>();
        for (int t : order) {
            if (t != id) {
                out.add(new Neighbor(t, cos[t]));
            }
            if (out.size() == k) {
                break;
            }
        }
        return out;
    }

    /**
     * PCA of the chosen rows through their Gram matrix: centre the rows (X, {@code [m, hidden]}),
     * G = X·Xᵀ ({@code [m, m]}), eigenvectors u of G by Jacobi rotations; the coordinates on axis
     * k are u_k·√λ_k (= X·v_k for the unit principal direction v_k). Signs are fixed so each axis's
     * largest coordinate is positive.
     */
    public Projection pca(int[] ids) {
        int m = ids.length;
        int h = width();
        double[] mean = new double[h];
        for (int id : ids) {
            for (int i = 0; i < h; i++) {
                mean[i] += rows[id][i] / (double) m;
            }
        }
        double[][] x = new double[m][h];
        for (int r = 0; r < m; r++) {
            for (int i = 0; i < h; i++) {
                x[r][i] = rows[ids[r]][i] - mean[i];
            }
        }
        double[][] g = new double[m][m];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int i = 0; i < h; i++) {
                    s += x[a][i] * x[b][i];
                }
                g[a][b] = s;
                g[b][a] = s;
            }
        }
        double total = 0;
        for (int a = 0; a < m; a++) {
            total += g[a][a];
        }
        double[][] vectors = new double[m][m];   // columns are eigenvectors
        double[] values = jacobi(g, vectors);
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[][] points = new double[m][2];
        double[] explained = new double[2];
        for (int axis = 0; axis < Math.min(2, m); axis++) {
            int e = order[axis];
            double lambda = Math.max(0, values[e]);
            double scale = Math.sqrt(lambda);
            int biggest = 0;
            for (int r = 0; r < m; r++) {
                if (Math.abs(vectors[r][e]) > Math.abs(vectors[biggest][e])) {
                    biggest = r;
                }
            }
            double sign = vectors[biggest][e] < 0 ? -1 : 1;
            for (int r = 0; r < m; r++) {
                points[r][axis] = sign * vectors[r][e] * scale;
            }
            explained[axis] = total == 0 ? 0 : lambda / total;
        }
        return new Projection(points, explained);
    }

    /** Eigenvalues of the symmetric matrix {@code a} (destroyed) by cyclic Jacobi rotations; eigenvectors into the columns of {@code v}. */
    static double[] jacobi(double[][] a, double[][] v) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            Arrays.fill(v[i], 0);
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off < 1e-22) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {   // A ← A·J
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {   // A ← Jᵀ·A
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {   // V ← V·J
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return values;
    }
}
