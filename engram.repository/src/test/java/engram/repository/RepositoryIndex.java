package engram.repository;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * An OSGi repository index (the XML format of the OSGi Repository service), read on its own,
 * without bnd: what the tests check the build's {@code index.xml} against.
 *
 * @param resources the jars the index lists
 * @param synthetic the resources bnd adds to describe a multi-release jar (one per Java release
 *     it has classes for: type {@code bnd.synthetic}, no bytes of their own)
 */
record RepositoryIndex(List<Resource> resources, List<Resource> synthetic) {
    static final String NAMESPACE = "http://www.osgi.org/xmlns/repository/v1.0.0";

    /** A capability or a requirement: its namespace, attributes and directives. */
    record Entry(String namespace, Map<String, String> attributes, Map<String, String> directives) {}

    /** One resource of the index, with the attributes of its identity and content capabilities. */
    record Resource(List<Entry> capabilities, List<Entry> requirements) {
        String symbolicName() {
            return identity().get("osgi.identity");
        }

        String version() {
            return identity().get("version");
        }

        boolean isSynthetic() {
            return "bnd.synthetic".equals(identity().get("type"));
        }

        boolean isFragment() {
            return "osgi.fragment".equals(identity().get("type"));
        }

        Map<String, String> identity() {
            return first("osgi.identity");
        }

        Map<String, String> content() {
            return first("osgi.content");
        }

        List<Entry> capabilities(String namespace) {
            return capabilities.stream().filter(c -> c.namespace().equals(namespace)).toList();
        }

        List<Entry> requirements(String namespace) {
            return requirements.stream().filter(r -> r.namespace().equals(namespace)).toList();
        }

        private Map<String, String> first(String namespace) {
            return capabilities(namespace).stream().findFirst().map(Entry::attributes)
                    .orElseThrow(() -> new AssertionError("a resource without an " + namespace + " capability: "
                            + capabilities));
        }
    }

    static RepositoryIndex read(Path index) throws IOException, ParserConfigurationException, SAXException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Element repository;
        try (InputStream in = Files.newInputStream(index)) {
            repository = factory.newDocumentBuilder().parse(in).getDocumentElement();
        }
        List<Resource> resources = new ArrayList<>();
        List<Resource> synthetic = new ArrayList<>();
        for (Element resource : children(repository, "resource")) {
            Resource r = new Resource(entries(resource, "capability"), entries(resource, "requirement"));
            (r.isSynthetic() ? synthetic : resources).add(r);
        }
        return new RepositoryIndex(List.copyOf(resources), List.copyOf(synthetic));
    }

    private static List<Entry> entries(Element resource, String kind) {
        List<Entry> entries = new ArrayList<>();
        for (Element entry : children(resource, kind)) {
            entries.add(new Entry(entry.getAttribute("namespace"), values(entry, "attribute"), values(entry, "directive")));
        }
        return List.copyOf(entries);
    }

    private static Map<String, String> values(Element entry, String kind) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Element value : children(entry, kind)) {
            values.put(value.getAttribute("name"), value.getAttribute("value"));
        }
        return values;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> children = new ArrayList<>();
        NodeList nodes = parent.getElementsByTagNameNS(NAMESPACE, name);
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getParentNode() == parent) {
                children.add((Element) nodes.item(i));
            }
        }
        return children;
    }
}
