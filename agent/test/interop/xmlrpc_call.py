#!/usr/bin/env python3
"""Calls a hostwatch agent with Python's stdlib xmlrpc.client, as a sysadmin's script would.

usage: xmlrpc_call.py URL METHOD [--cafile FILE] [--multicall]
Prints one JSON object: {"result": ..., "types": {"a.b[0].c": "float", ...}} or {"fault": {...}}
or {"protocol_error": {...}}; the types map lets a test check the XML-RPC type of every field.
"""
import json
import ssl
import sys
import xmlrpc.client


def walk(value, path, types):
    types[path] = type(value).__name__
    if isinstance(value, dict):
        for key, child in value.items():
            walk(child, f"{path}.{key}" if path else key, types)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            walk(child, f"{path}[{index}]", types)


def main():
    url, method = sys.argv[1], sys.argv[2]
    context = None
    if "--cafile" in sys.argv:
        context = ssl.create_default_context(cafile=sys.argv[sys.argv.index("--cafile") + 1])
    proxy = xmlrpc.client.ServerProxy(url, allow_none=True, context=context)
    try:
        if "--multicall" in sys.argv:
            multi = xmlrpc.client.MultiCall(proxy)
            multi.ping()
            multi.get_metrics()
            getattr(multi, "no.such.method")()
            results = []
            for item in multi().results:
                results.append(item)
            result = results
        else:
            result = getattr(proxy, method)()
    except xmlrpc.client.Fault as fault:
        print(json.dumps({"fault": {"code": fault.faultCode, "message": fault.faultString}}))
        return
    except xmlrpc.client.ProtocolError as error:
        print(json.dumps({"protocol_error": {"status": error.errcode, "message": error.errmsg}}))
        return
    types = {}
    walk(result, "", types)
    print(json.dumps({"result": result, "types": types}, default=str))


main()
