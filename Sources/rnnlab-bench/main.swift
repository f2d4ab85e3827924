import RNNEngine
print(Threads.blasCore)
