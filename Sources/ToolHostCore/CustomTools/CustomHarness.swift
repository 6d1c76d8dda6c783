/// The Python program that runs a custom tool's class in the child process, passed with
/// `python3 -c` so that nothing is written or looked up on disk: `toolhost run` starts as
/// before and the harness works from an empty folder.
///
/// It reads one JSON object on stdin — `{module, class, python_path, config, input}` — and
/// writes one on stdout: `{"toolhost_custom": "result", "value": …}` with the dict `execute`
/// returned, or `{"toolhost_custom": "error", "code", "message", "details"}`. The class's own
/// prints (and its subprocesses') go to stderr: stdout is moved there before the module is
/// imported, so they can never corrupt the answer.
///
/// `config_manager` is a `ToolConfig` over the YAML's `config:` (None when there is none): the
/// part of code-evolver's ConfigManager such classes use — `get(key, default)` with dotted keys
/// (`"server.port"`), `config[key]`, `key in config`, and `.config`, the mapping itself.
enum CustomHarness {
    /// Exit status of the harness after it reported an error (`execute` raising included).
    static let failureStatus: Int32 = 1

    static let source = #"""
import inspect, json, os, sys, traceback

answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr

def finish(envelope, status):
    answer.write(json.dumps(envelope))
    answer.write("\n")
    answer.flush()
    sys.stderr.flush()
    os._exit(status)

def fail(code, message, **details):
    finish({"toolhost_custom": "error", "code": code, "message": message, "details": details}, 1)

def trace(error):
    """The traceback from the tool's own code on (the harness's frame left out), also on stderr."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__.tb_next))
    sys.stderr.write(text)
    return text

def described(error):
    text = str(error).rstrip(".")
    return "%s: %s" % (type(error).__name__, text) if text else type(error).__name__

class ToolConfig:
    """The tool's YAML `config:` mapping, read as code-evolver classes read a ConfigManager."""
    def __init__(self, values):
        self.config = values
    def get(self, key, default=None):
        node = self.config
        for part in str(key).split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node
    def __getitem__(self, key):
        value = self.get(key, self)
        if value is self:
            raise KeyError(key)
        return value
    def __contains__(self, key):
        return self.get(key, self) is not self
    def __repr__(self):
        return "ToolConfig(%r)" % (self.config,)

request = json.loads(sys.stdin.buffer.read())
module_name, class_name = request["module"], request["class"]
sys.path.insert(0, request["python_path"])
try:
    import importlib
    module = importlib.import_module(module_name)
except ModuleNotFoundError as error:
    missing = error.name or ""
    if missing == module_name or module_name.startswith(missing + "."):
        fail("custom_module_not_found",
             "The module '%s' (for class '%s') is not on the Python path %s." % (module_name, class_name, request["python_path"]),
             module=module_name, **{"class": class_name, "python_path": request["python_path"]})
    fail("custom_import_failed", "Importing the module '%s' failed: %s." % (module_name, described(error)),
         module=module_name, exception_type=type(error).__name__, traceback=trace(error))
except BaseException as error:
    fail("custom_import_failed", "Importing the module '%s' failed: %s." % (module_name, described(error)),
         module=module_name, exception_type=type(error).__name__, traceback=trace(error))

cls = getattr(module, class_name, None)
if not inspect.isclass(cls):
    fail("custom_class_not_found", "The module '%s' has no class '%s'." % (module_name, class_name),
         module=module_name, **{"class": class_name})

try:
    manager = None if request.get("config") is None else ToolConfig(request["config"])
    try:
        parameters = inspect.signature(cls).parameters.values()
        takes_manager = any(p.name == "config_manager" or p.kind == p.VAR_KEYWORD for p in parameters)
    except (TypeError, ValueError):
        takes_manager = True
    instance = cls(config_manager=manager) if takes_manager else cls()
except BaseException as error:
    fail("custom_init_failed", "Creating %s.%s failed: %s." % (module_name, class_name, described(error)),
         module=module_name, exception_type=type(error).__name__, traceback=trace(error), **{"class": class_name})

try:
    value = instance.execute(**request["input"])
except BaseException as error:
    fail("custom_execute_failed", "%s.%s.execute raised %s." % (module_name, class_name, described(error)),
         module=module_name, exception_type=type(error).__name__, exception_message=str(error),
         traceback=trace(error), **{"class": class_name})

if not isinstance(value, dict):
    fail("custom_invalid_result", "%s.%s.execute returned %s, not a dict." % (module_name, class_name, type(value).__name__),
         module=module_name, **{"class": class_name})
try:
    text = json.dumps({"toolhost_custom": "result", "value": value})
except (TypeError, ValueError) as error:
    fail("custom_invalid_result", "%s.%s.execute returned a dict JSON cannot carry: %s." % (module_name, class_name, error),
         module=module_name, **{"class": class_name})
answer.write(text)
answer.write("\n")
answer.flush()
sys.stderr.flush()
os._exit(0)
"""#
}
