package glassbox.rag;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;

/**
 * The analyzers of the course index: English (possessives, lower case, stop words, Porter
 * stems) for indexing, and the same plus the domain synonyms of {@code rag-index/synonyms.txt}
 * for queries. Synonyms apply only at query time, so editing the file needs no re-index.
 */
public final class CourseAnalyzers {
    private CourseAnalyzers() {
    }

    public static Analyzer index() {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                StandardTokenizer source = new StandardTokenizer();
                return new TokenStreamComponents(source, new PorterStemFilter(base(source)));
            }
        };
    }

    /** Unstemmed lower-case words, for fuzzy matching of misspelt query words ("atention"). */
    public static Analyzer exact() {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                StandardTokenizer source = new StandardTokenizer();
                return new TokenStreamComponents(source, new LowerCaseFilter(source));
            }
        };
    }

    /** The index-time analyzer per field: English everywhere except the fuzzy-matching field. */
    public static Analyzer indexPerField() {
        return new org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper(index(), java.util.Map.of(CourseIndex.EXACT_FIELD, exact()));
    }

    public static Analyzer query(SynonymMap synonyms) {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                StandardTokenizer source = new StandardTokenizer();
                // Synonyms see every word (rules may contain stop words such as "chain of thought"); stop words go after.
                TokenStream words = new LowerCaseFilter(new EnglishPossessiveFilter(source));
                TokenStream expanded = new SynonymGraphFilter(words, synonyms, true);
                return new TokenStreamComponents(source,
                        new PorterStemFilter(new StopFilter(expanded, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET)));
            }
        };
    }

    private static TokenStream base(StandardTokenizer source) {
        return new StopFilter(new LowerCaseFilter(new EnglishPossessiveFilter(source)), EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
    }

    /** The synonym map from the bundled synonyms.txt (Solr format: comma = equivalent terms). */
    public static SynonymMap bundledSynonyms() {
        try (InputStream in = CourseAnalyzers.class.getResourceAsStream("synonyms.txt")) {
            if (in == null) {
                throw new IllegalStateException("synonyms.txt is missing from the rag-index jar");
            }
            return parseSynonyms(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SynonymMap parseSynonyms(java.io.Reader rules) throws IOException {
        // Rules are analysed like query words before synonyms apply, so "Key-Value cache" matches "key value cache".
        Analyzer ruleAnalyzer = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                StandardTokenizer source = new StandardTokenizer();
                return new TokenStreamComponents(source, new LowerCaseFilter(new EnglishPossessiveFilter(source)));
            }
        };
        SolrSynonymParser parser = new SolrSynonymParser(true, true, ruleAnalyzer);
        try {
            parser.parse(rules);
            return parser.build();
        } catch (ParseException e) {
            throw new IllegalArgumentException("synonyms.txt line " + e.getErrorOffset() + ": " + e.getMessage(), e);
        }
    }
}
