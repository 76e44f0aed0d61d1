// XSDValidate checks XML documents against an XML Schema with the JDK's
// own validator (javax.xml.validation): a W3C XML Schema processor that
// needs nothing installed besides Java. Run as a source file:
//
//     java XSDValidate.java SCHEMA.xsd DOCUMENT.xml...
//
// It prints each document's first violation with its line and column and
// exits 1 if any document breaks the schema.
import java.io.File;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.xml.sax.SAXParseException;

public class XSDValidate {
    public static void main(String[] args) throws Exception {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        Validator validator = factory.newSchema(new File(args[0])).newValidator();
        int broken = 0;
        for (int i = 1; i < args.length; i++) {
            try {
                validator.validate(new StreamSource(new File(args[i])));
            } catch (SAXParseException e) {
                System.out.println(args[i] + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage());
                broken++;
            }
        }
        System.exit(broken == 0 ? 0 : 1);
    }
}
