import os, sys; os.execvp("toolhost", ["toolhost", "run", os.path.basename(sys.argv[0])[:-3]] + sys.argv[1:])
