"""Task result parsing (XML-RPC <value> fragments without the xml module) and task outcomes."""
from lite_app.xapi.errors import XapiError
from lite_app.xapi.tasks import parse_value, task_outcome, unescape


def test_value_forms():
    cases = [
        ("<value>OpaqueRef:abc</value>", "OpaqueRef:abc"),
        ("<value></value>", ""),
        ("<value/>", ""),
        ("", ""),
        ("<value>123</value>", "123"),
        ("<value><string>text</string></value>", "text"),
        ("<value><string/></value>", ""),
        ("<value><string></string></value>", ""),
        ("<value><i4>7</i4></value>", 7),
        ("<value><int>-3</int></value>", -3),
        ("<value><i8>9007199254740993</i8></value>", 9007199254740993),
        ("<value><boolean>1</boolean></value>", True),
        ("<value><boolean>0</boolean></value>", False),
        ("<value><double>0.25</double></value>", 0.25),
        ("<value><double>1</double></value>", 1.0),
        ("<value><dateTime.iso8601>20240131T12:34:56Z</dateTime.iso8601></value>", "20240131T12:34:56Z"),
        ("<value><nil/></value>", None),
        ("<value><array><data></data></array></value>", []),
        ("<value><array><data/></array></value>", []),
        ("<value><array><data><value>OpaqueRef:a</value><value>OpaqueRef:b</value></data></array></value>",
         ["OpaqueRef:a", "OpaqueRef:b"]),
        ("<value><struct></struct></value>", {}),
        ("<value><struct><member><name>k</name><value>v</value></member>"
         "<member><name>n</name><value><i4>2</i4></value></member></struct></value>", {"k": "v", "n": 2}),
    ]
    for text, want in cases:
        got = parse_value(text)
        assert got == want and type(got) == type(want), (text, got, want)


def test_nested_arrays_and_structs():
    text = ("<value><array><data>"
            "<value><struct><member><name>refs</name><value><array><data><value>OpaqueRef:x</value>"
            "<value><array><data><value><boolean>1</boolean></value></data></array></value>"
            "</data></array></value></member><member><name>empty</name><value></value></member>"
            "</struct></value>"
            "<value><array><data/></array></value>"
            "</data></array></value>")
    assert parse_value(text) == [{"refs": ["OpaqueRef:x", [True]], "empty": ""}, []]


def test_whitespace_between_elements_is_tolerated():
    text = """<value>
      <array>
        <data>
          <value>a b</value>
          <value> <i4>1</i4> </value>
        </data>
      </array>
    </value>"""
    assert parse_value(text) == ["a b", 1]
    assert parse_value("<value>  </value>") == "  ", "bare text keeps its spaces"


def test_entities():
    cases = [
        ("<value>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;</value>", "a <b> & \"c\" 'd'"),
        ("<value>&#65;&#x42;&#X43;&#233;</value>", "ABC\u00e9"),
        ("<value><string>x&amp;amp;y</string></value>", "x&amp;y"),
        ("<value><struct><member><name>a&amp;b</name><value>&lt;</value></member></struct></value>",
         {"a&b": "<"}),
    ]
    for text, want in cases:
        assert parse_value(text) == want, (text, parse_value(text), want)
    assert unescape("no entities") == "no entities"
    assert unescape("dangling & here") == "dangling & here"


def test_bad_fragments_raise_value_error():
    bad = [
        "<value>unterminated",
        "<value><i4>x</i4></value>",
        "<value><boolean>2</boolean></value>",
        "<value><unknown>1</unknown></value>",
        "<value>a</value>trailing",
        "<struct></struct>",
        "<value><array><value>x</value></array></value>",
        "<value>&bogus;</value>",
    ]
    for text in bad:
        try:
            parse_value(text)
        except ValueError:
            continue
        assert False, "should reject " + text


def test_task_outcomes():
    assert task_outcome({"status": "pending", "progress": 0.3, "result": ""}) == ("pending", None)
    status, value = task_outcome({"status": "success", "result": "<value>OpaqueRef:new</value>"})
    assert (status, value) == ("success", "OpaqueRef:new")
    assert task_outcome({"status": "success", "result": "<value></value>"}) == ("success", "")
    status, error = task_outcome({"status": "failure", "error_info": ["VM_BAD_POWER_STATE", "OpaqueRef:v", "halted", "running"]})
    assert status == "failure" and isinstance(error, XapiError)
    assert error.code == "VM_BAD_POWER_STATE" and error.params == ["OpaqueRef:v", "halted", "running"]
    status, error = task_outcome({"status": "cancelled", "error_info": ["TASK_CANCELLED", "OpaqueRef:t"]})
    assert status == "cancelled" and error.code == "TASK_CANCELLED" and error.params == ["OpaqueRef:t"]
    status, error = task_outcome({"status": "cancelled", "error_info": []})
    assert error.code == "TASK_CANCELLED"
    status, error = task_outcome({"status": "failure", "error_info": []})
    assert error.code == "INTERNAL_ERROR"
    assert task_outcome({"status": "cancelling"}) == ("cancelling", None)
