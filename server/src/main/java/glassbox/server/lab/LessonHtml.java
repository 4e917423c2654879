package glassbox.server.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.html.AttributeProvider;
import org.commonmark.renderer.html.HtmlNodeRendererContext;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.HtmlWriter;

import glassbox.rag.course.Anchors;
import glassbox.rag.course.Exercise;

/**
 * Lesson Markdown to safe HTML: raw HTML in the source is escaped, links are sanitised, headings
 * get the same anchors the search index uses, and LaTeX ({@code $...$}, {@code $$...$$}) is kept
 * out of Markdown's hands and emitted escaped in {@code <span class="math">} for KaTeX in the page.
 * One exception to the escaping: an exercise's answer block, a line that is exactly
 * {@value Exercise#OPEN} and a line that is exactly {@value Exercise#CLOSE} (see {@link Exercise}),
 * becomes a collapsed {@code <details>} element; every other HTML block or tag is still escaped.
 */
public final class LessonHtml {
    private static final Pattern MATH = Pattern.compile("\\$\\$(.+?)\\$\\$|\\$([^$\\n]+?)\\$", Pattern.DOTALL);
    private static final Pattern PLACEHOLDER = Pattern.compile("GBXMATH(\\d+)X");

    private final Parser parser = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private final HtmlRenderer renderer = HtmlRenderer.builder()
            .extensions(List.of(TablesExtension.create()))
            .escapeHtml(true)
            .sanitizeUrls(true)
            .attributeProviderFactory(context -> new HeadingAnchors())
            .nodeRendererFactory(AnswerBlocks::new)
            .build();

    public String render(String markdown) {
        List<String> math = new ArrayList<>();
        Matcher m = MATH.matcher(markdown);
        StringBuilder protectedText = new StringBuilder();
        while (m.find()) {
            boolean display = m.group(1) != null;
            math.add((display ? "D" : "I") + (display ? m.group(1) : m.group(2)));
            m.appendReplacement(protectedText, "GBXMATH" + (math.size() - 1) + "X");
        }
        m.appendTail(protectedText);
        String html = renderer.render(parser.parse(protectedText.toString()));
        Matcher p = PLACEHOLDER.matcher(html);
        StringBuilder out = new StringBuilder();
        while (p.find()) {
            String tex = math.get(Integer.parseInt(p.group(1)));
            String cls = tex.charAt(0) == 'D' ? "math display" : "math";
            p.appendReplacement(out, Matcher.quoteReplacement("<span class=\"" + cls + "\">" + escape(tex.substring(1).strip()) + "</span>"));
        }
        p.appendTail(out);
        return out.toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    /** HTML blocks: the two answer tags pass as they are, anything else is shown as escaped text. */
    private static final class AnswerBlocks implements NodeRenderer {
        private final HtmlWriter html;

        AnswerBlocks(HtmlNodeRendererContext context) {
            this.html = context.getWriter();
        }

        @Override
        public Set<Class<? extends Node>> getNodeTypes() {
            return Set.of(HtmlBlock.class);
        }

        @Override
        public void render(Node node) {
            String literal = ((HtmlBlock) node).getLiteral().strip();
            html.line();
            if (literal.equals(Exercise.OPEN) || literal.equals(Exercise.CLOSE)) {
                html.raw(literal);
            } else {
                html.tag("p");
                html.text(((HtmlBlock) node).getLiteral());
                html.tag("/p");
            }
            html.line();
        }
    }

    private static final class HeadingAnchors implements AttributeProvider {
        @Override
        public void setAttributes(Node node, String tagName, Map<String, String> attributes) {
            if (node instanceof Heading h) {
                StringBuilder text = new StringBuilder();
                for (Node c = h.getFirstChild(); c != null; c = c.getNext()) {
                    if (c instanceof Text t) {
                        text.append(t.getLiteral());
                    } else if (c.getFirstChild() instanceof Text t) {
                        text.append(t.getLiteral());
                    }
                }
                attributes.put("id", Anchors.of(text.toString()));
            }
        }
    }
}
