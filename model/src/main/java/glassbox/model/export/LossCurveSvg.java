package glassbox.model.export;

import java.util.List;
import java.util.Locale;

import glassbox.model.train.CurvePoint;

/** Draws the train and validation loss curves as a small standalone SVG (no plotting library). */
public final class LossCurveSvg {
    private static final int W = 640, H = 360, PAD = 48;

    private LossCurveSvg() {
    }

    public static String render(List<CurvePoint> curve, String title) {
        if (curve.isEmpty()) {
            return svg(title, "", "", 0, 1, 0, 1);
        }
        int maxStep = curve.get(curve.size() - 1).step();
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (CurvePoint p : curve) {
            lo = Math.min(lo, p.trainLoss());
            hi = Math.max(hi, p.trainLoss());
            if (p.valLoss() != null) {
                lo = Math.min(lo, p.valLoss());
                hi = Math.max(hi, p.valLoss());
            }
        }
        lo = Math.floor(lo);
        hi = Math.ceil(hi);
        StringBuilder train = new StringBuilder(), val = new StringBuilder();
        for (CurvePoint p : curve) {
            point(train, p.step(), p.trainLoss(), maxStep, lo, hi);
            if (p.valLoss() != null) {
                point(val, p.step(), p.valLoss(), maxStep, lo, hi);
            }
        }
        return svg(title, train.toString(), val.toString(), 0, maxStep, lo, hi);
    }

    private static void point(StringBuilder sb, int step, double loss, int maxStep, double lo, double hi) {
        double x = PAD + (W - 2.0 * PAD) * step / Math.max(1, maxStep);
        double y = H - PAD - (H - 2.0 * PAD) * (loss - lo) / Math.max(1e-9, hi - lo);
        sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }

    private static String svg(String title, String train, String val, int x0, int x1, double lo, double hi) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H, W, H));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", PAD, escape(title)));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", PAD, H - PAD, W - PAD, H - PAD));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", PAD, PAD, PAD, H - PAD));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f</text>%n", PAD - 6, PAD + 4, hi));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f</text>%n", PAD - 6, H - PAD + 4, lo));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%d</text>%n", PAD, H - PAD + 18, x0));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">step %d</text>%n", W - PAD, H - PAD + 18, x1));
        sb.append("<text x=\"14\" y=\"190\" transform=\"rotate(-90 14 190)\">loss (nats/token)</text>\n");
        sb.append("<polyline fill=\"none\" stroke=\"#3b82f6\" stroke-width=\"1\" points=\"").append(train.strip()).append("\"/>\n");
        sb.append("<polyline fill=\"none\" stroke=\"#ef4444\" stroke-width=\"2\" points=\"").append(val.strip()).append("\"/>\n");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#3b82f6\">train</text>%n", W - PAD - 90, PAD + 4));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#ef4444\">validation</text>%n", W - PAD - 90, PAD + 20));
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
